package io.github.sparktogetherbatch;

/**
 * Lets {@code format("io.github.sparktogetherbatch")} resolve to the same source as {@code
 * format("together-batch")}.
 */
public final class DefaultSource extends TogetherBatchDataSource {}
