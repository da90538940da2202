package io.github.sparktogetherbatch.codec;

import io.github.sparktogetherbatch.codec.ResultSchema.Column;
import io.github.sparktogetherbatch.pricing.BatchPrices;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds the result rows of one batch for the columns a query reads (a pruned {@link
 * ResultSchema}), as {@link GenericInternalRow}s of {@link UTF8String}s: one from a decoded result
 * line, or one with a status only (pending, missing, failed with the batch, or no status when only
 * ids are read). Which column goes where comes from {@link ResultSchema.Column}. Not thread-safe.
 */
public final class ResultRowBuilder {
  private static final UTF8String SUCCEEDED = UTF8String.fromString(ResultSchema.SUCCEEDED);
  private static final UTF8String FAILED = UTF8String.fromString(ResultSchema.FAILED);
  private static final UTF8String MISSING = UTF8String.fromString(ResultSchema.MISSING);
  private static final UTF8String PENDING = UTF8String.fromString(ResultSchema.PENDING);

  /** The output columns; null for {@link ResultSchema#PARSED}. */
  private final Column[] columns;

  private final UTF8String batchId;
  private final int attempt;
  private final BatchPrices prices;
  private final boolean wantsParsed;

  /**
   * @param positions the output columns, as positions in {@link ResultSchema#SCHEMA} ({@link
   *     ResultSchema#PARSED_POSITION} for {@code parsed})
   * @param batchId the batch every row belongs to
   */
  public ResultRowBuilder(int[] positions, String batchId) {
    this(positions, batchId, 1, BatchPrices.NONE);
  }

  /**
   * @param positions the output columns, as positions in {@link ResultSchema#SCHEMA} ({@link
   *     ResultSchema#PARSED_POSITION} for {@code parsed})
   * @param batchId the batch every row belongs to
   * @param attempt the submission the batch is (1: the first)
   * @param prices the batch prices for {@code cost_usd}
   */
  public ResultRowBuilder(int[] positions, String batchId, int attempt, BatchPrices prices) {
    this.columns = new Column[positions.length];
    boolean parsed = false;
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] == ResultSchema.PARSED_POSITION) {
        parsed = true;
      } else {
        columns[i] = Column.at(positions[i]);
      }
    }
    this.wantsParsed = parsed;
    this.batchId = UTF8String.fromString(batchId);
    this.attempt = attempt;
    this.prices = prices;
  }

  /** Whether any column needs the result files (anything but custom_id and batch_id). */
  public boolean needsResults() {
    for (Column c : columns) {
      if (c == null || (c != Column.CUSTOM_ID && c != Column.BATCH_ID && c != Column.ATTEMPT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether answers must be decoded with the job's responseSchema: when {@code parsed} is read, or
   * a column that decoding can change ({@code status}, {@code error_code}, {@code error_message}),
   * so that a row's status is the same whatever else a query reads.
   */
  public boolean needsParsing() {
    return wantsParsed
        || reads(Column.STATUS)
        || reads(Column.ERROR_CODE)
        || reads(Column.ERROR_MESSAGE);
  }

  /** Whether the column {@code content} is read. */
  public boolean wantsContent() {
    return reads(Column.CONTENT);
  }

  /** Whether the column {@code reasoning} is read. */
  public boolean wantsReasoning() {
    return reads(Column.REASONING);
  }

  /** Whether the column {@code tool_calls} is read. */
  public boolean wantsToolCalls() {
    return reads(Column.TOOL_CALLS);
  }

  /** Whether the column {@code response} is read. */
  public boolean wantsResponse() {
    return reads(Column.RESPONSE);
  }

  private boolean reads(Column column) {
    for (Column c : columns) {
      if (c == column) {
        return true;
      }
    }
    return false;
  }

  /** The row of a decoded result line: {@code succeeded} or {@code failed}. */
  public InternalRow result(DecodedResult r) {
    Object[] v = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == null) {
        v[i] = r.parsed;
        continue;
      }
      switch (columns[i]) {
        case CUSTOM_ID:
          v[i] = UTF8String.fromString(r.customId);
          break;
        case BATCH_ID:
          v[i] = batchId;
          break;
        case STATUS:
          v[i] = r.failed ? FAILED : SUCCEEDED;
          break;
        case MODEL:
          v[i] = utf8(r.model);
          break;
        case CONTENT:
          v[i] = utf8(r.content);
          break;
        case FINISH_REASON:
          v[i] = utf8(r.finishReason);
          break;
        case PROMPT_TOKENS:
          v[i] = r.promptTokens;
          break;
        case COMPLETION_TOKENS:
          v[i] = r.completionTokens;
          break;
        case TOTAL_TOKENS:
          v[i] = r.totalTokens;
          break;
        case ERROR_CODE:
          v[i] = utf8(r.errorCode);
          break;
        case ERROR_MESSAGE:
          v[i] = utf8(r.errorMessage);
          break;
        case RESPONSE:
          v[i] = utf8(r.response);
          break;
        case REASONING:
          v[i] = utf8(r.reasoning);
          break;
        case TOOL_CALLS:
          v[i] = utf8(r.toolCalls);
          break;
        case ATTEMPT:
          v[i] = attempt;
          break;
        case COST_USD:
          v[i] = prices.cost(r.model, r.promptTokens, r.completionTokens);
          break;
        default:
          v[i] = null;
      }
    }
    return new GenericInternalRow(v);
  }

  /** A submitted request of a batch still running: {@code pending}. */
  public InternalRow pending(String customId) {
    return status(customId, PENDING, null, null);
  }

  /** A submitted request in neither result file: {@code missing}, with why. */
  public InternalRow missing(String customId, UTF8String errorCode, UTF8String errorMessage) {
    return status(customId, MISSING, errorCode, errorMessage);
  }

  /**
   * A submitted request of a FAILED batch without a result: {@code failed}, with the batch's error.
   */
  public InternalRow failed(String customId, UTF8String errorCode, UTF8String errorMessage) {
    return status(customId, FAILED, errorCode, errorMessage);
  }

  /** A row when only ids are read: same columns, nothing but ids. */
  public InternalRow idOnly(String customId) {
    return status(customId, null, null, null);
  }

  private InternalRow status(
      String customId, UTF8String status, UTF8String errorCode, UTF8String errorMessage) {
    Object[] v = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == null) {
        continue;
      }
      switch (columns[i]) {
        case CUSTOM_ID:
          v[i] = UTF8String.fromString(customId);
          break;
        case BATCH_ID:
          v[i] = batchId;
          break;
        case STATUS:
          v[i] = status;
          break;
        case ERROR_CODE:
          v[i] = errorCode;
          break;
        case ERROR_MESSAGE:
          v[i] = errorMessage;
          break;
        case ATTEMPT:
          v[i] = attempt;
          break;
        default:
          v[i] = null;
      }
    }
    return new GenericInternalRow(v);
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
