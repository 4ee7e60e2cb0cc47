/**
 * Image-classification datasets: a defensive IDX reader, and a catalog that fetches MNIST and
 * Fashion-MNIST into a verified local cache.
 *
 * <p>Every data problem surfaces as a {@link dev.kiln.data.DatasetException} whose message names
 * the file and says what was expected, so a user can fix it without reading the code.
 */
package dev.kiln.data;
