/**
 * Envelope's local key store kept in PostgreSQL: the same sealed keys, lifecycle, policy, manifest
 * and keyed audit chain as the directory store, in one database schema that every process and
 * endpoint reaching the database shares.
 */
module dev.envelope.local.postgresql {
  requires transitive dev.envelope.local;
  requires transitive java.sql;
  requires com.google.gson;
  requires com.zaxxer.hikari;
  requires org.postgresql.jdbc; // PGConnection: LISTEN/NOTIFY

  exports dev.envelope.local.postgresql;
}
