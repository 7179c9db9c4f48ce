package io.sluice.core.streams;

/** A STREAM is append-only; a TABLE is keyed: an insert with an existing key updates, a delete leaves a tombstone. */
public enum SourceKind { STREAM, TABLE }
