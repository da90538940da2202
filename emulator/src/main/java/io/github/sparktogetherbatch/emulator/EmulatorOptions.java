package io.github.sparktogetherbatch.emulator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link TogetherEmulator}. Build with {@link #builder()}; {@link #defaults()} is
 * port 0 (any free port) on 127.0.0.1, any non-empty bearer token accepted, unlimited speed, no
 * validating delay, a fresh temp data directory, {@code []} for an empty batch list, and input
 * files served back.
 */
public final class EmulatorOptions {
  private final int port;
  private final String host;
  private final String apiKey;
  private final double requestsPerSecond;
  private final long validatingMillis;
  private final Path dataDir;
  private final boolean nullEmptyBatchList;
  private final boolean md5ETags;
  private final boolean serveInputFiles;

  private EmulatorOptions(Builder b) {
    this.port = b.port;
    this.host = b.host;
    this.apiKey = b.apiKey;
    this.requestsPerSecond = b.requestsPerSecond;
    this.validatingMillis = b.validatingMillis;
    this.md5ETags = b.md5ETags;
    this.dataDir = b.dataDir;
    this.nullEmptyBatchList = b.nullEmptyBatchList;
    this.serveInputFiles = b.serveInputFiles;
  }

  /** A builder with the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default settings. */
  public static EmulatorOptions defaults() {
    return builder().build();
  }

  /** TCP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Address to bind; default {@code 127.0.0.1}. */
  public String host() {
    return host;
  }

  /** The only API key accepted, or null to accept any non-empty bearer token. */
  public String apiKey() {
    return apiKey;
  }

  /** Requests processed per second per batch; 0 or negative means unlimited. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Minimum time a batch stays {@code VALIDATING}, in milliseconds. */
  public long validatingMillis() {
    return validatingMillis;
  }

  /** Parent directory for the emulator's data, or null for the system temp directory. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Whether {@code GET /v1/batches} answers a literal {@code null} instead of {@code []} when
   * empty.
   */
  public boolean nullEmptyBatchList() {
    return nullEmptyBatchList;
  }

  /**
   * Whether the signed PUT's {@code ETag} is the MD5 of the content, as S3 answers a plain PUT
   * (default false since 2026-12-07). When false it is a checksum of the content (CRC-32C, CRC-32,
   * length), as storage answers for encrypted or multipart objects: the same bytes give the same
   * ETag. No client of Together's upload flow reads the value; MD5 at about 600 MB/s on one core
   * was most of the emulator's CPU per upload, which a client on the same small machine waits for.
   */
  public boolean md5ETags() {
    return md5ETags;
  }

  /**
   * Whether {@code GET /v1/files/{id}/content} serves {@code batch-api} input files (default true).
   * When false it answers 404 for them, as nothing promises that Together serves them back; output
   * and error files are served either way.
   */
  public boolean serveInputFiles() {
    return serveInputFiles;
  }

  /** Builder of {@link EmulatorOptions}. */
  public static final class Builder {
    private int port;
    private String host = "127.0.0.1";
    private String apiKey;
    private double requestsPerSecond;
    private long validatingMillis;
    private Path dataDir;
    private boolean nullEmptyBatchList;
    private boolean md5ETags = false;
    private boolean serveInputFiles = true;

    private Builder() {}

    /** TCP port; 0 (default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Address to bind (default {@code 127.0.0.1}). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Require exactly this bearer token (null: accept any non-empty token). */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
      return this;
    }

    /** Requests per second per batch; 0 or negative (default) is unlimited. */
    public Builder requestsPerSecond(double requestsPerSecond) {
      this.requestsPerSecond = requestsPerSecond;
      return this;
    }

    /** Minimum milliseconds in {@code VALIDATING} (default 0). */
    public Builder validatingMillis(long validatingMillis) {
      this.validatingMillis = Math.max(0, validatingMillis);
      return this;
    }

    /** Parent directory for data; a fresh subdirectory is created in it and deleted on close. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /**
     * Answer {@code null} instead of {@code []} for an empty batch list (seen from the real API).
     */
    public Builder nullEmptyBatchList(boolean nullEmptyBatchList) {
      this.nullEmptyBatchList = nullEmptyBatchList;
      return this;
    }

    /** MD5 ETags on uploads (default false: a checksum), see {@link #md5ETags()}. */
    public Builder md5ETags(boolean md5ETags) {
      this.md5ETags = md5ETags;
      return this;
    }

    /** Serve the content of {@code batch-api} input files (default true). */
    public Builder serveInputFiles(boolean serveInputFiles) {
      this.serveInputFiles = serveInputFiles;
      return this;
    }

    /** The options. */
    public EmulatorOptions build() {
      return new EmulatorOptions(this);
    }
  }
}
