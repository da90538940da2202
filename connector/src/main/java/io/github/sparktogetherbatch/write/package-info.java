/**
 * The write side: {@code df.write().format("together-batch").save(path)} submits each row as one
 * request of a Together batch and records the job at the path.
 *
 * <p>Data flows encoder → staging → upload → commit message → batch creation → manifest: {@code
 * TogetherWriteBuilder} (on the driver: resolves the codec's {@code InputMapping}, checks an
 * appended job's endpoint) → {@code TogetherWrite} → {@code TogetherBatchWrite} → {@code
 * TogetherDataWriterFactory} → {@code TogetherDataWriter} on the executors (encodes each row with
 * the codec's {@code RequestEncoder} into rolling {@code StagingFiles} with each file's custom_id
 * record, checks the task's custom_ids, uploads at commit — or, for a file under {@code
 * minRequestsPerBatch} requests, copies it to the job path) → {@code TogetherWriterCommitMessage} →
 * {@code JobCommitter} on the driver (checks custom_ids across tasks, packs the small files into
 * shared input files with {@code SmallFilePacker}, starts from the job at the path as the
 * SaveMode's {@code CommitMode} says, records the files as pending, creates one batch per file,
 * recorded in the manifest by {@code ManifestRecorder}). {@code WriteCleanup} deletes what a failed
 * write uploaded and the write's orphaned files; {@code WriteFileNames} names them all.
 */
package io.github.sparktogetherbatch.write;
