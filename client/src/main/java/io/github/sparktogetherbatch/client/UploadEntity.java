package io.github.sparktogetherbatch.client;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.FileEntity;

/**
 * A batch input file as a PUT body, with an explicit length, re-opened by each attempt, and sent in
 * 256 KB writes: {@link FileEntity} copies through a 4 KB buffer, so a 100 MB upload took 25,000
 * file reads and as many small socket writes (the connection's buffer is 8 KB; writes larger than
 * it go to the socket directly).
 */
final class UploadEntity extends FileEntity {
  static final int BUFFER = 256 * 1024;

  UploadEntity(File file) {
    super(file, ContentType.APPLICATION_OCTET_STREAM);
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (InputStream in = getContent()) {
      byte[] buf = new byte[BUFFER];
      int n;
      while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
        out.write(buf, 0, n);
      }
      out.flush();
    }
  }
}
