/**
 * JMH benchmarks: the reduction kernels against a plain copy of the same bytes, and SPI ping-pong
 * per transport. Run with {@code java -cp perf/target/jccl-perf.jar org.openjdk.jmh.Main NAME};
 * see docs/performance.md.
 */
package org.jccl.perf.jmh;
