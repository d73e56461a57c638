/**
 * Stream keys: long-lived, revocable credentials that let an encoder publish one live stream, the way
 * streaming platforms let broadcasters publish (a secret in the ingest URL). {@link
 * dev.keycard.core.stream.StreamKeys} issues and checks them; {@link
 * dev.keycard.core.stream.StreamKeyStore} keeps them, hashed. No HTTP and no database here: the server
 * puts the keys in ingest paths and the store in its database.
 */
package dev.keycard.core.stream;
