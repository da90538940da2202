package io.github.sparktogetherbatch.write;

import io.github.sparktogetherbatch.client.FileObject;
import io.github.sparktogetherbatch.client.TogetherClient;
import io.github.sparktogetherbatch.codec.CustomIdRecord;
import io.github.sparktogetherbatch.config.WriteConfig;
import io.github.sparktogetherbatch.manifest.JobFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's half of packing: the small files that committed tasks left at the job path (fewer
 * than {@code minRequestsPerBatch} requests each) are concatenated, whole files in task order, into
 * input files of up to {@code maxRequestsPerBatch} requests and {@code maxBytesPerBatch} bytes,
 * each uploaded as {@code stb-<writeId>-packed-NNNNN.jsonl}; their custom_id records are joined
 * alike into the packed file's record (uncompressed and compressed again as one member). Streams
 * only: one copy buffer, one local file at a time. A small file always fits an empty pack (its task
 * rolled at the same limits), so a pack starts anew when the next file would not fit the current
 * one.
 */
final class SmallFilePacker {
  private static final Logger LOG = LoggerFactory.getLogger(SmallFilePacker.class);

  private final WriteConfig config;
  private final JobFolder jobFolder;
  private final String writeId;
  private int packed;

  SmallFilePacker(WriteConfig config, JobFolder jobFolder, String writeId) {
    this.config = config;
    this.jobFolder = jobFolder;
    this.writeId = writeId;
  }

  /**
   * Packs and uploads the small files; returns the packed input files, in order. Packs are numbered
   * across calls on this instance, so a write can pack two groups apart.
   */
  List<TogetherWriterCommitMessage.UploadedFile> pack(
      TogetherClient client, List<TogetherWriterCommitMessage.SmallFile> small) {
    List<TogetherWriterCommitMessage.UploadedFile> out = new ArrayList<>();
    if (small.isEmpty()) {
      return out;
    }
    try {
      Path dir = WriteFileNames.stagingDir(config);
      Files.createDirectories(dir);
      int from = 0;
      while (from < small.size()) {
        int to = from;
        long requests = 0;
        long bytes = 0;
        while (to < small.size()) {
          TogetherWriterCommitMessage.SmallFile f = small.get(to);
          if (to > from
              && (requests + f.requests() > config.maxRequestsPerBatch()
                  || bytes + f.bytes() > config.maxBytesPerBatch())) {
            break;
          }
          requests += f.requests();
          bytes += f.bytes();
          to++;
        }
        out.add(packOne(client, dir, packed++, small.subList(from, to), requests, bytes));
        from = to;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Packing the small files of write " + writeId + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  private TogetherWriterCommitMessage.UploadedFile packOne(
      TogetherClient client,
      Path dir,
      int index,
      List<TogetherWriterCommitMessage.SmallFile> files,
      long requests,
      long bytes)
      throws IOException {
    String name = WriteFileNames.packedFile(writeId, index);
    String customIds = jobFolder.recordName(name);
    String record = jobFolder.resolve(customIds);
    Path local = dir.resolve(name);
    try {
      try (OutputStream jsonl = Files.newOutputStream(local);
          OutputStream ids = CustomIdRecord.writer(jobFolder.create(record))) {
        for (TogetherWriterCommitMessage.SmallFile f : files) {
          try (InputStream in = jobFolder.open(f.path())) {
            in.transferTo(jsonl);
          }
          try (InputStream in = CustomIdRecord.content(jobFolder.open(f.record()))) {
            in.transferTo(ids);
          }
        }
      }
      long size = Files.size(local);
      if (size != bytes) {
        throw new IOException(
            "the small files of pack " + name + " hold " + size + " bytes, not " + bytes);
      }
      FileObject uploaded = client.uploadFile(local, name);
      LOG.info(
          "Packed {} small file(s) into input file {} ({}: {} requests, {} bytes)",
          files.size(),
          uploaded.id(),
          name,
          requests,
          bytes);
      return new TogetherWriterCommitMessage.UploadedFile(
          uploaded.id(), name, requests, bytes, customIds, record);
    } finally {
      Files.deleteIfExists(local);
    }
  }
}
