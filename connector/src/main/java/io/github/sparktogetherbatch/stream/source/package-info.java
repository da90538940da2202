/**
 * The streaming source: {@code spark.readStream().format("together-batch").load(path)} emits the
 * result rows of each batch of the job once it is finished. {@link
 * io.github.sparktogetherbatch.stream.source.FinishedBatchLog} (in the checkpoint) numbers the
 * finished batches in the order the source first saw them finished; an offset is a position in that
 * log; the rows of a micro-batch are planned by the read path's {@code FinishedBatchPlanner}.
 */
package io.github.sparktogetherbatch.stream.source;
