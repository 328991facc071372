/**
 * The {@code envelope} command-line tool ({@link dev.envelope.cli.EnvelopeCli}), started by
 * {@code bin/envelope}. Not a library API: only the command line, its output and its exit
 * statuses are promised.
 */
package dev.envelope.cli;
