/**
 * JMH benchmarks.
 */
package io.tachyon.bench;
