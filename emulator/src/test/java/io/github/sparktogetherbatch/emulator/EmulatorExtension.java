package io.github.sparktogetherbatch.emulator;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link TogetherEmulator} on a free loopback port for a test class and stops it after the
 * class. Before each test it clears the emulator (files, batches, request counts, faults) and
 * restores the speed and validating delay it was started with, so every test starts alike.
 *
 * <pre>{@code
 * @RegisterExtension static final EmulatorExtension EMU = new EmulatorExtension();
 * static final Api api = EMU.api();
 * }</pre>
 */
final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final EmulatorOptions options;
  private final Api api;
  private TogetherEmulator emulator;

  /** An emulator with {@link EmulatorOptions#defaults()}. */
  EmulatorExtension() {
    this(EmulatorOptions.defaults());
  }

  /** An emulator with these options. */
  EmulatorExtension(EmulatorOptions options) {
    this.options = options;
    this.api = newApi();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator = TogetherEmulator.start(options);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) {
      emulator.close();
      emulator = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    emulator.reset();
    emulator.setRequestsPerSecond(options.requestsPerSecond());
    emulator.setValidatingMillis(options.validatingMillis());
  }

  /** The running emulator. */
  TogetherEmulator emulator() {
    if (emulator == null) {
      throw new IllegalStateException("the emulator runs only while its test class does");
    }
    return emulator;
  }

  /** The class's client, with the key {@link Api#KEY}; usable once the emulator runs. */
  Api api() {
    return api;
  }

  /** A client of its own, for a test that changes its key. */
  Api newApi() {
    return new Api(this::emulator);
  }

  /** A new socket connection to the emulator, for what java.net.http cannot send or observe. */
  RawHttp raw() throws IOException {
    return new RawHttp(emulator().port());
  }
}
