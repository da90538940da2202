package io.github.sparktogetherbatch.testing;

import io.github.sparktogetherbatch.emulator.TogetherEmulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the Together emulator as a real HTTP server on a free loopback port for a test class
 * ({@code @RegisterExtension static final EmulatorExtension EMULATOR = new EmulatorExtension();}),
 * resets its state and faults before each test, and stops it after the class.
 */
public final class EmulatorExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  /** The key tests use; the emulator accepts any non-empty bearer token unless started with one. */
  public static final String TEST_API_KEY = "test-key-0123456789abcdef-DO-NOT-LEAK";

  private TogetherEmulator emulator;

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator = TogetherEmulator.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    emulator.reset();
  }

  public TogetherEmulator emulator() {
    return emulator;
  }

  /** {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return emulator.baseUrl();
  }
}
