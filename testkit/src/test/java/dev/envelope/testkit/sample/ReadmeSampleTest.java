package dev.envelope.testkit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's example is the sample that runs here, verbatim, so the copy a user takes works. */
class ReadmeSampleTest {
  private static final String SECTION = "## Testing your application with envelope-testkit";
  private static final Path SAMPLES = Path.of("src/test/java/dev/envelope/testkit/sample");
  private static final List<String> FILES = List.of("OrderVault.java", "OrderVaultTest.java", "OrderVaultPropertiesTest.java");

  @Test
  void readme_testkitSection_showsEverySampleFileVerbatimInOrder() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf(SECTION);
    assertTrue(start >= 0, "README.md has no section '" + SECTION + "'");
    int end = readme.indexOf("\n## ", start + SECTION.length());
    String section = readme.substring(start, end < 0 ? readme.length() : end);

    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL).matcher(section);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    List<String> files = new ArrayList<>();
    for (String name : FILES) {
      files.add(Files.readString(SAMPLES.resolve(name), StandardCharsets.UTF_8).stripTrailing());
    }
    assertEquals(files, blocks, "the README's example differs from " + SAMPLES + ": copy the files into it again");
  }
}
