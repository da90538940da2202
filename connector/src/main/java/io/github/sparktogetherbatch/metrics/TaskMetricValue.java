package io.github.sparktogetherbatch.metrics;

import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * One value of a DSv2 custom metric, as a task or the driver reports it. Internal to the connector.
 */
final class TaskMetricValue implements CustomTaskMetric {
  private final String name;
  private final long value;

  private TaskMetricValue(String name, long value) {
    this.name = name;
    this.value = value;
  }

  static CustomTaskMetric of(String name, long value) {
    return new TaskMetricValue(name, value);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long value() {
    return value;
  }
}
