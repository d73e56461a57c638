/**
 * Framework-free HLS building blocks: rewriting playlists so that every URI they carry is a signed URL
 * ({@link dev.keycard.core.hls.PlaylistRewriter}), and a looping live playlist for the demo stream
 * ({@link dev.keycard.core.hls.LivePlaylistWindow}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216">RFC 8216, HTTP Live Streaming</a>
 * @see <a href="https://datatracker.ietf.org/doc/html/draft-pantos-hls-rfc8216bis">draft-pantos-hls-rfc8216bis (LL-HLS)</a>
 */
package dev.keycard.core.hls;
