/**
 * Live streams: their names ({@link dev.keycard.core.stream.StreamId}), the registry of them
 * ({@link dev.keycard.core.stream.StreamStore}), and stream keys, the long-lived, revocable credentials
 * that let an encoder publish one live stream, the way streaming platforms let broadcasters publish (a
 * secret in the ingest URL). {@link dev.keycard.core.stream.StreamKeys} issues and checks them; {@link
 * dev.keycard.core.stream.StreamKeyStore} keeps them, hashed. No HTTP and no database here: the server
 * puts the keys in ingest paths and the stores in a backend.
 */
package dev.keycard.core.stream;
