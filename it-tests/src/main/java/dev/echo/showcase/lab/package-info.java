/**
 * The live dashboard's experiments: {@link dev.echo.showcase.lab.Lab} checks and starts them,
 * the {@link dev.echo.showcase.lab.Driver} submits their tasks from threads of its own, each
 * {@link dev.echo.showcase.lab.Lane} (Echo, or Liberty's default executor) keeps its
 * {@link dev.echo.showcase.lab.LaneStats}, and the {@link dev.echo.showcase.lab.Dashboard} turns
 * them into what the page polls. Read first: {@code Lab}.
 */
package dev.echo.showcase.lab;
