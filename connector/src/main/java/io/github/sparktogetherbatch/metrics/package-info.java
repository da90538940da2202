/**
 * The Spark UI metrics of a write ({@link io.github.sparktogetherbatch.metrics.WriteMetrics}) and
 * of a read ({@link io.github.sparktogetherbatch.metrics.ReadMetrics}): DSv2 custom metrics, whose
 * classes Spark instantiates by name, and the values tasks and the driver report.
 */
package io.github.sparktogetherbatch.metrics;
