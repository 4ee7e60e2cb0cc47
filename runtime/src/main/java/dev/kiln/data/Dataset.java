package dev.kiln.data;

/**
 * A train/test pair plus the number of classes (10 for mnist and fashion-mnist).
 *
 * @param name dataset name, e.g. {@code "mnist"}
 * @param train training split
 * @param test test split
 * @param numClasses labels are in {@code 0..numClasses-1}
 */
public record Dataset(String name, ImageSet train, ImageSet test, int numClasses) {}
