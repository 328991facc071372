package dev.envelope.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the message parser with Jazzer: for any bytes, {@code decrypt},
 * {@code decryptingStream} and {@code inspectUnauthenticated} return or throw an {@link
 * dev.envelope.EnvelopeException}; any other exception, an {@code OutOfMemoryError} or a hang is
 * a finding and fails the test.
 *
 * <p>The seeds in {@code MessageParserFuzzTestInputs/} are valid messages of every suite, framed
 * and non-framed (checked by {@link FuzzSeedsTest}). Surefire runs this class in its own execution
 * with {@code JAZZER_FUZZ=1}, so CI fuzzes for {@code maxDuration}; without that variable Jazzer
 * only replays the seeds.
 */
class MessageParserFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parse_anyBytes_throwsOnlyEnvelopeExceptions(byte[] input) throws IOException {
    FuzzTarget.run(input);
  }
}
