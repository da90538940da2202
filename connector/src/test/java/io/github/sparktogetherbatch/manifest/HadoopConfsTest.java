package io.github.sparktogetherbatch.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HadoopConfsTest {

  private static Map<String, String> props(Configuration c) {
    Map<String, String> m = new TreeMap<>();
    for (Map.Entry<String, String> e : c) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  /** What Hadoop's own Writable round trip gives, the format used before. */
  private static Configuration hadoopRoundTrip(Configuration conf) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      conf.write(out);
    }
    Configuration c = new Configuration(false);
    c.readFields(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    return c;
  }

  @Test
  void everyPropertyComesBackAsHadoopsOwnRoundTripGivesIt() throws IOException {
    Configuration conf = new Configuration(); // the default resources: hundreds of properties
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    conf.set("stb.test.unicode", "prompt ✓ — ünïcödé 日本");
    conf.set("stb.test.empty", "");
    conf.set("stb.test.variable", "${hadoop.tmp.dir}/x"); // kept raw, expanded on get
    conf.set("stb.test.long", "v".repeat(70_000)); // past DataOutput.writeUTF's 65,535 bytes
    conf.set("fs.default.name", "file:///"); // a deprecated key, with its new name

    Configuration back = HadoopConfs.fromBytes(HadoopConfs.toBytes(conf));

    Map<String, String> expected = props(hadoopRoundTrip(conf));
    assertEquals(expected, props(back));
    assertEquals(props(conf), props(back));
    assertEquals(conf.get("stb.test.variable"), back.get("stb.test.variable"));
    assertEquals("file:///", back.get("fs.defaultFS"));
    assertEquals(70_000, back.get("stb.test.long").length());
  }

  @Test
  void anEmptyConfigurationRoundTrips() {
    Configuration back = HadoopConfs.fromBytes(HadoopConfs.toBytes(new Configuration(false)));
    assertEquals(Map.of(), props(back));
  }

  @Test
  void bytesOfAnotherFormatAreRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      new Configuration(false).write(out);
    }
    assertThrows(UncheckedIOException.class, () -> HadoopConfs.fromBytes(bytes.toByteArray()));
  }
}
