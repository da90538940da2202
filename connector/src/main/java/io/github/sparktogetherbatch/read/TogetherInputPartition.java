package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import io.github.sparktogetherbatch.client.BatchStatus;
import io.github.sparktogetherbatch.client.TogetherClientConfig;
import io.github.sparktogetherbatch.pricing.BatchPrices;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One batch of a job, as planned on the driver: where its requests and results are, how it ended,
 * and how the executor turns it into rows. Holds the parsed client config (its {@code toString}
 * hides the key).
 */
final class TogetherInputPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  /** How the executor produces this batch's rows. */
  enum Mode {
    /**
     * A finished batch (COMPLETED, EXPIRED, CANCELLED): its output and error files, then a {@code
     * missing} row for every request in neither.
     */
    RESULTS,
    /**
     * A FAILED batch in a job where other batches completed: whatever result files it has, then a
     * {@code failed} row ({@code batch_failed}, the batch's error) for every other request.
     */
    FAILED_BATCH,
    /** A batch still running ({@code wait=false}): one {@code pending} row per request. */
    PENDING;

    /** The mode of a batch in this state. */
    static Mode of(BatchJob b) {
      if (!b.isTerminal()) {
        return PENDING;
      }
      return b.status() == BatchStatus.FAILED ? FAILED_BATCH : RESULTS;
    }
  }

  /**
   * The partition of a batch in the state {@code b} (its result files, status and error).
   *
   * @param inputFileId the input file, when the job records it; else the batch's own
   * @param idRecord the input file's custom_id record (absolute), or null
   */
  static TogetherInputPartition forBatch(
      BatchJob b, String inputFileId, Mode mode, TogetherClientConfig client, String idRecord) {
    return new TogetherInputPartition(
        b.id(),
        inputFileId != null ? inputFileId : b.inputFileId(),
        emptyToNull(b.outputFileId()),
        emptyToNull(b.errorFileId()),
        b.rawStatus(),
        b.error(),
        mode,
        client,
        idRecord);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private final String batchId;
  private final String inputFileId;
  private final String outputFileId;
  private final String errorFileId;
  private final String batchStatus;
  private final String batchError;
  private final Mode mode;
  private final TogetherClientConfig client;
  private int attempt = 1;
  private BatchPrices prices = BatchPrices.NONE;
  private List<String> recordedIds;
  private final String idRecord;

  TogetherInputPartition(
      String batchId,
      String inputFileId,
      String outputFileId,
      String errorFileId,
      String batchStatus,
      String batchError,
      Mode mode,
      TogetherClientConfig client) {
    this(
        batchId,
        inputFileId,
        outputFileId,
        errorFileId,
        batchStatus,
        batchError,
        mode,
        client,
        null);
  }

  /**
   * @param idRecord the input file's custom_id record at the job path (absolute), or null when the
   *     job has none (written before records existed, or read by batchId alone)
   */
  TogetherInputPartition(
      String batchId,
      String inputFileId,
      String outputFileId,
      String errorFileId,
      String batchStatus,
      String batchError,
      Mode mode,
      TogetherClientConfig client,
      String idRecord) {
    this.batchId = batchId;
    this.inputFileId = inputFileId;
    this.outputFileId = outputFileId;
    this.errorFileId = errorFileId;
    this.batchStatus = batchStatus;
    this.batchError = batchError;
    this.mode = mode;
    this.client = client;
    this.idRecord = idRecord;
  }

  /** The input file's custom_id record at the job path, or null. */
  String idRecord() {
    return idRecord;
  }

  String batchId() {
    return batchId;
  }

  /** The batch's input file (the submitted requests), or null when unknown. */
  String inputFileId() {
    return inputFileId;
  }

  /** Null when the batch has no output file. */
  String outputFileId() {
    return outputFileId;
  }

  /** Null when the batch has no error file. */
  String errorFileId() {
    return errorFileId;
  }

  /** The batch's status as Together reported it when planning. */
  String batchStatus() {
    return batchStatus;
  }

  /** The batch's own error message (FAILED), or null. */
  String batchError() {
    return batchError;
  }

  Mode mode() {
    return mode;
  }

  TogetherClientConfig client() {
    return client;
  }

  /** The submission this batch is: 1 for the first, n + 1 for a resubmission of attempt n. */
  int attempt() {
    return attempt;
  }

  /** The batch prices for {@code cost_usd}. */
  BatchPrices prices() {
    return prices;
  }

  /**
   * The custom_ids of a resubmission as the job recorded them when it was submitted (its input file
   * need not be downloadable), or null.
   */
  List<String> recordedIds() {
    return recordedIds;
  }

  TogetherInputPartition withAttempt(int attempt, BatchPrices prices) {
    this.attempt = attempt;
    this.prices = prices;
    return this;
  }

  TogetherInputPartition withRecordedIds(List<String> ids) {
    this.recordedIds = ids == null ? null : List.copyOf(ids);
    return this;
  }

  @Override
  public String toString() {
    return "TogetherInputPartition{batch="
        + batchId
        + ", status="
        + batchStatus
        + ", attempt="
        + attempt
        + ", mode="
        + mode
        + ", input="
        + inputFileId
        + ", output="
        + outputFileId
        + ", error="
        + errorFileId
        + (idRecord == null ? "" : ", idRecord=" + idRecord)
        + "}";
  }
}
