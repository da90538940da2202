package io.github.sparktogetherbatch.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects every log event's logger, message and stack trace while attached to the root logger. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  public final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private LogCapture() {
    super("key-leak-capture", null, null, true, Property.EMPTY_ARRAY);
  }

  /** Starts capturing everything that reaches the root logger. */
  public static LogCapture attach() {
    LogCapture c = new LogCapture();
    c.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().addAppender(c, Level.ALL, null);
    ctx.updateLoggers();
    return c;
  }

  @Override
  public void append(LogEvent event) {
    lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
    if (event.getThrown() != null) {
      lines.add(stackTrace(event.getThrown()));
    }
  }

  public static String stackTrace(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }

  @Override
  public void close() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(getName());
    ctx.updateLoggers();
    stop();
  }
}
