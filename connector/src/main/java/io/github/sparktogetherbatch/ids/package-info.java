/**
 * custom_ids across a whole write: 64-bit digests of the ids ({@code IdDigest}), sorted per task in
 * bounded memory ({@code TaskDigests}) and handed to the driver in the commit message or in a file
 * next to the job ({@code DigestFiles}), and the two duplicate checks: within a task ({@link
 * io.github.sparktogetherbatch.ids.TaskDuplicateCheck}, at the task's commit, before it uploads)
 * and across tasks ({@link io.github.sparktogetherbatch.ids.WriteDuplicateCheck}, on the driver,
 * before any batch is created). Equal digests are confirmed against the ids themselves, so a digest
 * collision never fails a write.
 */
package io.github.sparktogetherbatch.ids;
