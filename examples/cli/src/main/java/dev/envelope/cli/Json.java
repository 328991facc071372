package dev.envelope.cli;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON (RFC 8259) from maps, lists, strings, numbers and booleans, indented by two spaces,
 * with Gson's {@link JsonWriter}. Output only: the CLI never parses JSON. Non-ASCII text is written
 * as is (JSON is UTF-8); quotes, backslashes, control characters, DEL and U+2028/U+2029 are
 * escaped.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonWriter writer = new JsonWriter(out)) {
      writer.setIndent("  ");
      writer.setHtmlSafe(false);
      writer.setSerializeNulls(true);
      write(value, writer);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter failed", e);
    }
    // JsonWriter leaves DEL unescaped; it can only occur inside strings, so escape it there.
    return out.toString().replace("\u007f", "\\u007f") + "\n";
  }

  private static void write(Object value, JsonWriter writer) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof String) {
      writer.value((String) value);
    } else if (value instanceof Boolean) {
      writer.value((Boolean) value);
    } else if (value instanceof Number) {
      writer.value((Number) value);
    } else if (value instanceof Map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        writer.name(e.getKey().toString());
        write(e.getValue(), writer);
      }
      writer.endObject();
    } else if (value instanceof List) {
      writer.beginArray();
      for (Object item : (List<?>) value) {
        write(item, writer);
      }
      writer.endArray();
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }
}
