package io.github.sparktogetherbatch.read;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The fixed schema of a read: one row per submitted request. Known without any network call.
 * Additions must keep these names.
 */
public final class ResultSchema {
  private ResultSchema() {}

  public static final String CUSTOM_ID = "custom_id";
  public static final String BATCH_ID = "batch_id";
  public static final String STATUS = "status";
  public static final String MODEL = "model";
  public static final String CONTENT = "content";
  public static final String FINISH_REASON = "finish_reason";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String COMPLETION_TOKENS = "completion_tokens";
  public static final String TOTAL_TOKENS = "total_tokens";
  public static final String ERROR_CODE = "error_code";
  public static final String ERROR_MESSAGE = "error_message";
  public static final String RESPONSE = "response";

  /** Row statuses. */
  public static final String SUCCEEDED = "succeeded";

  public static final String FAILED = "failed";
  public static final String MISSING = "missing";
  public static final String PENDING = "pending";

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(CUSTOM_ID, DataTypes.StringType, false),
            DataTypes.createStructField(BATCH_ID, DataTypes.StringType, false),
            DataTypes.createStructField(STATUS, DataTypes.StringType, false),
            DataTypes.createStructField(MODEL, DataTypes.StringType, true),
            DataTypes.createStructField(CONTENT, DataTypes.StringType, true),
            DataTypes.createStructField(FINISH_REASON, DataTypes.StringType, true),
            DataTypes.createStructField(PROMPT_TOKENS, DataTypes.IntegerType, true),
            DataTypes.createStructField(COMPLETION_TOKENS, DataTypes.IntegerType, true),
            DataTypes.createStructField(TOTAL_TOKENS, DataTypes.IntegerType, true),
            DataTypes.createStructField(ERROR_CODE, DataTypes.StringType, true),
            DataTypes.createStructField(ERROR_MESSAGE, DataTypes.StringType, true),
            DataTypes.createStructField(RESPONSE, DataTypes.StringType, true),
          });
}
