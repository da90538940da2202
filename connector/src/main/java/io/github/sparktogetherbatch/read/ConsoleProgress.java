package io.github.sparktogetherbatch.read;

import io.github.sparktogetherbatch.client.BatchJob;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The wait's progress line on the driver's console (standard error, where Spark draws its own
 * progress bar), whatever the log level. On a terminal the line is rewritten in place after each
 * poll; otherwise (a log file, a notebook, a scheduler's output) a line is printed at the first
 * poll, then at most once a minute, and at the end.
 */
final class ConsoleProgress implements WaitProgress {
  static final long NOT_TERMINAL_EVERY_MILLIS = 60_000;

  private final PrintStream out;
  private final boolean inPlace;
  private final LongSupplier clockMillis;
  private final ProgressLine line;
  private long lastPrinted = Long.MIN_VALUE;
  private int lastLength;

  ConsoleProgress(PrintStream out, boolean inPlace, LongSupplier clockMillis, ProgressLine line) {
    this.out = out;
    this.inPlace = inPlace;
    this.clockMillis = clockMillis;
    this.line = line;
  }

  /** On standard error, in place when the JVM has a terminal. */
  static ConsoleProgress onStandardError(ProgressLine line) {
    return new ConsoleProgress(
        System.err, System.console() != null, System::currentTimeMillis, line);
  }

  @Override
  public void update(Map<String, BatchJob> state, long elapsedMillis, boolean finished) {
    String text = line.format(state, elapsedMillis);
    long now = clockMillis.getAsLong();
    if (inPlace) {
      int pad = Math.max(0, lastLength - text.length());
      out.print("\r" + text + " ".repeat(pad) + (finished ? "\n" : ""));
      lastLength = text.length();
      out.flush();
      return;
    }
    if (finished
        || lastPrinted == Long.MIN_VALUE
        || now - lastPrinted >= NOT_TERMINAL_EVERY_MILLIS) {
      out.println(text);
      out.flush();
      lastPrinted = now;
    }
  }
}
