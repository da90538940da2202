/**
 * Operating a job at its path ({@link io.github.sparktogetherbatch.jobs.TogetherBatchJobs}): cancel
 * its unfinished batches ({@code JobCancel}), submit again what failed ({@code Resubmission}:
 * {@code ResubmitTargets} reads the latest outcomes, {@code InputFileBodies} copies the retried
 * request lines from Together, {@code DataFrameResubmission} encodes them again from the input
 * DataFrame, {@code PendingResume} finishes an interrupted call), and estimate what a DataFrame
 * costs ({@code Estimate}, a dry run). Settings are resolved as the data source resolves them
 * ({@code JobSettings}).
 */
package io.github.sparktogetherbatch.jobs;
