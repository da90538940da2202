package io.github.sparktogetherbatch.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The connector's own version, from a resource written at build time. */
public final class ConnectorVersion {
  private static final String VERSION = load();

  private ConnectorVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in =
        ConnectorVersion.class.getResourceAsStream(
            "/io/github/sparktogetherbatch/connector.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
