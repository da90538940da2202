package io.github.sparktogetherbatch.codec;

import org.apache.spark.sql.types.DataType;
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
  public static final String REASONING = "reasoning";
  public static final String TOOL_CALLS = "tool_calls";

  /** The column of a job with a {@code responseSchema}: the content decoded into that struct. */
  public static final String PARSED = "parsed";

  public static final String ATTEMPT = "attempt";
  public static final String COST_USD = "cost_usd";

  /** Row statuses. */
  public static final String SUCCEEDED = "succeeded";

  public static final String FAILED = "failed";
  public static final String MISSING = "missing";
  public static final String PENDING = "pending";

  /**
   * The columns in schema order: a column's {@code ordinal()} is its position in {@link #SCHEMA},
   * which is built from this list.
   */
  public enum Column {
    CUSTOM_ID(ResultSchema.CUSTOM_ID, DataTypes.StringType, false),
    BATCH_ID(ResultSchema.BATCH_ID, DataTypes.StringType, false),
    STATUS(ResultSchema.STATUS, DataTypes.StringType, false),
    MODEL(ResultSchema.MODEL, DataTypes.StringType, true),
    CONTENT(ResultSchema.CONTENT, DataTypes.StringType, true),
    FINISH_REASON(ResultSchema.FINISH_REASON, DataTypes.StringType, true),
    PROMPT_TOKENS(ResultSchema.PROMPT_TOKENS, DataTypes.IntegerType, true),
    COMPLETION_TOKENS(ResultSchema.COMPLETION_TOKENS, DataTypes.IntegerType, true),
    TOTAL_TOKENS(ResultSchema.TOTAL_TOKENS, DataTypes.IntegerType, true),
    ERROR_CODE(ResultSchema.ERROR_CODE, DataTypes.StringType, true),
    ERROR_MESSAGE(ResultSchema.ERROR_MESSAGE, DataTypes.StringType, true),
    RESPONSE(ResultSchema.RESPONSE, DataTypes.StringType, true),
    /** {@code choices[0].message.reasoning} of a reasoning model. */
    REASONING(ResultSchema.REASONING, DataTypes.StringType, true),
    /** {@code choices[0].message.tool_calls} as JSON. */
    TOOL_CALLS(ResultSchema.TOOL_CALLS, DataTypes.StringType, true),
    /** 1 for the first submission of the request, n + 1 for its n-th resubmission. */
    ATTEMPT(ResultSchema.ATTEMPT, DataTypes.IntegerType, true),
    /** Usage times the model's batch price; null when there is no usage or no known price. */
    COST_USD(ResultSchema.COST_USD, DataTypes.DoubleType, true);

    private static final Column[] ALL = values();

    private final String fieldName;
    private final DataType type;
    private final boolean nullable;

    Column(String fieldName, DataType type, boolean nullable) {
      this.fieldName = fieldName;
      this.type = type;
      this.nullable = nullable;
    }

    public String fieldName() {
      return fieldName;
    }

    /** The column at {@code position} of {@link #SCHEMA}. */
    public static Column at(int position) {
      return ALL[position];
    }

    StructField field() {
      return DataTypes.createStructField(fieldName, type, nullable);
    }
  }

  public static final StructType SCHEMA = schema();

  /** The position of {@link #PARSED}: after every fixed column. */
  public static final int PARSED_POSITION = SCHEMA.fields().length;

  /** The schema of a read: {@link #SCHEMA}, and {@link #PARSED} when the job has a struct. */
  public static StructType of(StructType parsed) {
    return parsed == null ? SCHEMA : SCHEMA.add(PARSED, parsed, true);
  }

  private static StructType schema() {
    Column[] columns = Column.values();
    StructField[] fields = new StructField[columns.length];
    for (Column c : columns) {
      fields[c.ordinal()] = c.field();
    }
    return new StructType(fields);
  }
}
