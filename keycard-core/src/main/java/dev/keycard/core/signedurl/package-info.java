/**
 * Signed URLs for HLS media: the API signs ({@link dev.keycard.core.signedurl.UrlSigner}), the edge
 * verifies each request with one MAC or signature
 * ({@link dev.keycard.core.signedurl.SignedUrlVerifier}) and gets a
 * {@link dev.keycard.core.signedurl.UrlCheck} back, never an exception.
 *
 * <p>Schemes: keycard's query signature ({@link dev.keycard.core.signedurl.HmacUrlSigner}, the
 * default), keycard's path-prefix token covering a stream directory
 * ({@link dev.keycard.core.signedurl.PathPrefixSigner}), nginx {@code secure_link_md5} over one path
 * ({@link dev.keycard.core.signedurl.NginxSecureLink}) or over a stream directory
 * ({@link dev.keycard.core.signedurl.NginxDirectoryToken}) and Amazon CloudFront
 * ({@link dev.keycard.core.signedurl.CloudFrontSigner}). Wire formats and canonical strings are in
 * {@code docs/signed-urls.md}.
 */
package dev.keycard.core.signedurl;
