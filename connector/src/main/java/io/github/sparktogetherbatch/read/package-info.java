/**
 * The read side: {@code spark.read().format("together-batch").load(path)} (or the option {@code
 * batchId}) returns one row per submitted request, with the fixed {@link
 * io.github.sparktogetherbatch.codec.ResultSchema}.
 *
 * <p>Data flows manifest → poll → partitions → download → decode → rows: {@code
 * TogetherScanBuilder} (column pruning, no network call) → {@code TogetherScan} (planning on the
 * driver: finds the batches, waits with {@code BatchPoller}, one {@code TogetherInputPartition} per
 * batch) → {@code TogetherPartitionReader} on the executors (reads the batch's custom_id record at
 * the job path — for jobs written before records, its input file — and streams the output and error
 * files through {@code BatchFiles} in phases: {@code InputIdRows}, {@code ResultFileRows}, {@code
 * UnansweredRows}; lines decoded and rows built by the codec's {@code ResultDecoder} and {@code
 * ResultRowBuilder}) → {@code ReadCounters} → the task's read metrics.
 *
 * <p>Semantics:
 *
 * <ul>
 *   <li><b>Every submitted request yields exactly one row</b>: {@code succeeded} (output file),
 *       {@code failed} (error file, any of the three error-line shapes, or a non-2xx response), or
 *       {@code missing} (in neither file; error_code {@code batch_expired}, {@code batch_cancelled}
 *       or {@code no_result});
 *   <li>a custom_id in both the output and the error file keeps the output (success) row; a
 *       repeated custom_id keeps its first row; both are counted in the metric {@code
 *       duplicateResults}. A result whose custom_id is not in the batch's input file is not
 *       returned: it is counted in {@code unknownResults} and logged (one WARN per batch);
 *   <li>{@code COMPLETED}, {@code EXPIRED}, {@code CANCELLED}: the batch's results plus {@code
 *       missing} rows for the rest;
 *   <li>{@code FAILED}: when no batch of the job COMPLETED, the read fails with a {@link
 *       io.github.sparktogetherbatch.exceptions.TogetherJobException} naming each failed batch and
 *       its own error message; when another batch COMPLETED, the failed batch's requests are {@code
 *       failed} rows with error_code {@code batch_failed} and the batch's error as message;
 *   <li>waiting: every {@code pollInterval} until all batches are terminal; unknown statuses count
 *       as running; after {@code waitTimeout} a {@code TogetherJobException} names the batches
 *       still running. With {@code wait=false}: no waiting, unfinished batches give one {@code
 *       pending} row per request.
 * </ul>
 *
 * <p>Memory per partition (one batch): the set of the batch's custom_ids (about 100–150 bytes each;
 * Together allows at most 50,000 requests per batch, so a few MB) and one result line at a time.
 * Files are streamed, and downloads resume with {@code Range} after a broken connection. When a
 * query needs only {@code custom_id} and {@code batch_id} (e.g. {@code count()}), only the input
 * files are read: the rows are exactly the submitted ids, and the row-status and token metrics stay
 * at zero. If a batch's input file is unknown or was deleted, its results are returned without
 * reconciliation (no {@code missing} rows possible), with a WARN.
 *
 * <p>Resubmissions ({@code TogetherBatchJobs.resubmit}): batches linked by {@code retryOf} are
 * grouped ({@code AttemptGroups}) into one {@code AttemptGroupPartition}, read by {@code
 * AttemptGroupReader}: still one row per original request, its latest outcome (a success in any
 * attempt wins), with the {@code batch_id} and {@code attempt} that gave it. The batch view ({@code
 * view=batches}: {@code BatchViewScan}) is a snapshot, one row per batch, without waiting.
 */
package io.github.sparktogetherbatch.read;
