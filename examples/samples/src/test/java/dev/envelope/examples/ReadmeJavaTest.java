package dev.envelope.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java examples are complete programs: every {@code ```java} block that starts with
 * its imports is compiled as written (imports on top, statements in a {@code main}) against this
 * module's test class path, run in its own JVM in an empty directory, and must print what its
 * {@code // prints: ...} comments say. The README's artifact table must match the BOM and the
 * modules' {@code module-info}.
 */
class ReadmeJavaTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
  static final Path README = ROOT.resolve("README.md");
  static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  static final Pattern PRINTS = Pattern.compile("// prints: (.*)$");

  @TempDir Path dir;

  record Block(int line, String code) {
    boolean isProgram() {
      return code.startsWith("import ");
    }

    /**
     * A whole source file (it starts with its package): the test kit's sample tests, which the
     * kit's ReadmeSampleTest holds identical to the tests it compiles and runs.
     */
    boolean isSourceFile() {
      return code.startsWith("package ");
    }
  }

  static List<Block> javaBlocks() throws IOException {
    String readme = Files.readString(README);
    List<Block> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      int line = (int) readme.substring(0, m.start()).lines().count() + 1;
      blocks.add(new Block(line, m.group(1)));
    }
    return blocks;
  }

  @Test
  void readmeJavaBlocks_programs_coverRawAesKeyStoreCachingAndStreaming() throws IOException {
    List<String> programs = javaBlocks().stream().filter(Block::isProgram).map(Block::code).toList();
    for (String marker : List.of("RawAesKeyring.builder()", "LocalKeyStore.builder(",
        "CachingMaterialsManager.builder()", "encryptingStream(", "decryptingStream(")) {
      assertTrue(programs.stream().anyMatch(p -> p.contains(marker)), () -> "no README example uses " + marker);
    }
    assertTrue(programs.size() >= 4, "four complete examples at least");
  }

  @Test
  void readmeJavaBlocks_withoutImports_areOnlyTheKmsFragmentsTestedElsewhere() throws IOException {
    for (Block b : javaBlocks()) {
      if (!b.isProgram() && !b.isSourceFile()) {
        // The AWS KMS example is run by kms-provider's ReadmeExampleTest (examples/cli's ReadmeTest
        // checks the two are the same); the KmsClient fragment shows the endpoint's settings.
        assertTrue(b.code().contains("KmsClient"),
            () -> "README.md line " + b.line() + ": a Java block must start with its imports (and run here)");
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> readmeJavaBlocks_compiledAndRun_printWhatTheirCommentsSay() throws IOException {
    return javaBlocks().stream().filter(Block::isProgram)
        .map(b -> DynamicTest.dynamicTest("README.md line " + b.line(), () -> compileAndRun(b)));
  }

  private void compileAndRun(Block block) throws Exception {
    String className = "ReadmeExampleAtLine" + block.line();
    List<String> imports = new ArrayList<>();
    List<String> body = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (String line : block.code().lines().toList()) {
      (line.startsWith("import ") ? imports : body).add(line);
      Matcher printed = PRINTS.matcher(line);
      if (printed.find()) {
        expected.add(printed.group(1).strip());
      }
    }
    String source = String.join("\n", imports) + "\n\npublic final class " + className + " {\n"
        + "  public static void main(String[] args) throws Exception {\n" + String.join("\n", body) + "\n  }\n}\n";
    Path src = dir.resolve("src/" + className + ".java");
    Path classes = dir.resolve("classes");
    Path work = dir.resolve("work");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.createDirectories(work);
    Files.writeString(src, source);

    String classPath = System.getProperty("java.class.path");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean compiled = javac.getTask(null, files, diagnostics,
          List.of("--release", "17", "-Xlint:all", "-Werror", "-classpath", classPath, "-d", classes.toString()),
          null, files.getJavaFileObjects(src)).call();
      assertTrue(compiled, () -> "README.md line " + block.line() + " does not compile as written:\n"
          + diagnostics.getDiagnostics().stream().map(d -> "  line " + (d.getLineNumber() - 3 - imports.size())
              + " of the statements: " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n")));
    }

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
        "-cp", classes + File.pathSeparator + classPath, className)
        .directory(work.toFile())
        .redirectErrorStream(true);
    pb.environment().put("ENVELOPE_KEYSTORE_PASSPHRASE", "readme example passphrase, for this test only");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the example finishes");
    String output = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), () -> "README.md line " + block.line() + " failed:\n" + output);
    assertEquals(expected, output.lines().toList(),
        () -> "README.md line " + block.line() + " must print what its '// prints:' comments say");
  }

  @Test
  void readmeArtifactTable_matchesTheBomAndEachModuleInfo() throws IOException {
    String readme = Files.readString(README);
    Pattern row = Pattern.compile("^\\| `([^`]+)` \\| `(envelope-[a-z-]+)` \\| (`([a-z.]+)`|[^|]+) \\|", Pattern.MULTILINE);
    Matcher m = row.matcher(readme);
    Set<String> artifacts = new TreeSet<>();
    while (m.find()) {
      Path module = ROOT.resolve(m.group(1));
      String artifact = m.group(2);
      artifacts.add(artifact);
      String pom = Files.readString(module.resolve("pom.xml"));
      assertTrue(pom.contains("<artifactId>" + artifact + "</artifactId>"),
          () -> m.group(1) + "/pom.xml does not build " + artifact);
      Path descriptor = module.resolve("src/main/java/module-info.java");
      if (m.group(4) != null) {
        Matcher name = Pattern.compile("^module ([a-z.]+) \\{", Pattern.MULTILINE).matcher(Files.readString(descriptor));
        assertTrue(name.find(), () -> descriptor + " declares a module");
        assertEquals(m.group(4), name.group(1), () -> "the JPMS module of " + artifact);
      } else {
        assertFalse(Files.exists(descriptor), () -> artifact + " is a named module: give its name in the table");
      }
    }
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    Matcher managed = Pattern.compile("<artifactId>(envelope-[a-z-]+)</artifactId>").matcher(bom);
    while (managed.find()) {
      String artifact = managed.group(1);
      assertTrue(artifacts.contains(artifact), () -> "the README's artifact table lacks " + artifact);
    }
  }
}
