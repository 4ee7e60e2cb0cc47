/**
 * Kiln's pure-Java training runtime: kernels, layers, optimizers, datasets and ONNX export.
 * Nothing in it depends on the Maven API.
 */
package dev.kiln;
