/**
 * Configuration and optional APIs: {@link dev.echo.cdi.config.EchoConfig} (the {@code echo.*}
 * keys, parsed and checked), where the values come from ({@link dev.echo.cdi.config.ConfigLookup}:
 * MicroProfile Config when present, else system properties), and
 * {@link dev.echo.cdi.config.OptionalApi}, the one way Echo loads glue for an API a server may
 * not have.
 *
 * <p><b>Internal.</b> Applications set the keys, they do not call these classes. <b>Depends
 * on:</b> {@code dev.echo.scheduler} (the builder the configuration fills) and the JDK; MicroProfile
 * Config only inside {@code MicroProfileConfigLookup}. The bottom of the EE layer: every other
 * {@code dev.echo.cdi} package may use it, it uses none of them. Read first: {@code EchoConfig}.
 */
package dev.echo.cdi.config;
