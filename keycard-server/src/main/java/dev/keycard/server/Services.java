package dev.keycard.server;

import dev.keycard.core.auth.AuthorizationServer;
import dev.keycard.core.bearer.BearerAuthenticator;
import dev.keycard.core.key.KeySource;
import dev.keycard.server.config.ServerConfig;

/**
 * What the HTTP routes need, built once per server.
 *
 * @param bearerBlocks whether a bearer check may block (opaque tokens are looked up in the database),
 *                     so the routes run it off the event loop
 */
public record Services(
    ServerConfig config,
    AuthorizationServer authorizationServer,
    BearerAuthenticator bearer,
    boolean bearerBlocks,
    KeySource keys) {}
