package io.github.sparktogetherbatch.config;

import io.github.sparktogetherbatch.exceptions.TogetherConfigException;
import java.util.Locale;

/**
 * One option: name, side, type, default and description. The default has two faces: {@link
 * #typedDefault()}, the value the parser falls back to (null for none), and {@link
 * #defaultValue()}, the text the docs show, which for some options describes what happens instead
 * ("prompt if present": the writer looks for the column).
 *
 * @param <T> the type of the parsed value
 */
public final class Option<T> {
  private final String name;
  private final TogetherBatchOptions.Side side;
  private final OptionType<T> type;
  private final T typedDefault;
  private final String defaultDoc;
  private final String envVar;
  private final String description;

  Option(
      String name,
      TogetherBatchOptions.Side side,
      OptionType<T> type,
      T typedDefault,
      String defaultDoc,
      String envVar,
      String description) {
    this.name = name;
    this.side = side;
    this.type = type;
    this.typedDefault = typedDefault;
    this.defaultDoc = defaultDoc;
    this.envVar = envVar;
    this.description = description;
  }

  public String name() {
    return name;
  }

  public TogetherBatchOptions.Side side() {
    return side;
  }

  /** The default as documented (null for none); same as {@link #defaultDoc()}. */
  public String defaultValue() {
    return defaultDoc;
  }

  /** The default as the options table shows it, or null for none. */
  public String defaultDoc() {
    return defaultDoc;
  }

  /** The value used when no source gives one, or null for none. */
  public T typedDefault() {
    return typedDefault;
  }

  /** The environment variable read when neither option nor session gives a value, or null. */
  public String envVar() {
    return envVar;
  }

  public String description() {
    return description;
  }

  public OptionType<T> type() {
    return type;
  }

  /** The lower-case key under which a CaseInsensitiveStringMap holds it. */
  public String key() {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * The value of one source's text: null when the text is null or empty (or the type reads it as no
   * value, e.g. a blank key), else the parsed value.
   *
   * @throws TogetherConfigException when the text is not a valid value
   */
  public T parse(String text) {
    return text == null || text.isEmpty() ? null : type.parse(name, text);
  }

  @Override
  public String toString() {
    return name;
  }
}
