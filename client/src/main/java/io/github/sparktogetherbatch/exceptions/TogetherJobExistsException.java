package io.github.sparktogetherbatch.exceptions;

/**
 * A write without a save mode to a path that already holds a job. The message names the path and
 * the modes that say what to do with the job there.
 */
public class TogetherJobExistsException extends TogetherConfigException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public TogetherJobExistsException(String path) {
    super(
        "The path "
            + path
            + " already holds a together-batch job, and the write's save mode is the default"
            + " (errorifexists). Choose what to do with the job there: mode(\"append\") adds these"
            + " rows to it as new batches (with an empty DataFrame it finishes an interrupted"
            + " write), mode(\"overwrite\") cancels its unfinished batches and replaces it,"
            + " mode(\"ignore\") leaves it as it is and submits nothing. To read its results, use"
            + " spark.read.format(\"together-batch\").load(path). Nothing was uploaded.");
    this.path = path;
  }

  /** The job path. */
  public String path() {
    return path;
  }
}
