package dev.envelope.opentelemetry;

import dev.envelope.testing.api.ApiDump;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The public API of envelope-opentelemetry is pinned in api/envelope-opentelemetry.api: a change fails this test until the file is
 * regenerated (scripts/api-dump) and committed with it. docs/api.md says what may change when.
 */
class PublicApiTest {
  @Test
  void publicApi_comparedWithApiFile_isUnchanged() throws IOException {
    ApiDump.verify(Path.of("api/envelope-opentelemetry.api"), Path.of("target/classes"));
  }
}
