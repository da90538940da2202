package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.manifest.JobManifest;
import java.util.List;
import java.util.Optional;

/**
 * What a commit does with the job already at the path before it records its own files: one strategy
 * per SaveMode. {@link AppendMode} (also the create path of ErrorIfExists and Ignore) keeps the job
 * and first resumes the pending files of an interrupted write; {@link OverwriteMode} cancels the
 * old job's unfinished batches and replaces its manifest.
 */
interface CommitMode {
  /**
   * The job this write is recorded in.
   *
   * @param existing the manifest at the path, if any
   * @param created receives the ids of the batches this step creates (a resume's)
   */
  Start begin(TogetherClient client, Optional<JobManifest> existing, List<String> created);

  /**
   * Whether the write replaces the job at the path (its carried rows are dropped, not submitted).
   */
  default boolean replacesJob() {
    return false;
  }

  /**
   * Where a commit starts.
   *
   * @param manifest the job to add this write's batches to
   * @param unwritten whether that manifest is not yet at the path (a new or replaced job)
   * @param keepsOldBatches whether it is the job that was there, with its batches
   */
  record Start(JobManifest manifest, boolean unwritten, boolean keepsOldBatches) {}
}
