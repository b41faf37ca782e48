/**
 * The Jakarta Messaging transport of actions ({@code echo.actions.queue=jms}, see
 * docs/actions-messaging.md): the persistent action queue ({@link dev.echo.cdi.action.jms.JmsActionQueue}),
 * the consumers, publisher and subscriber of one server ({@link dev.echo.cdi.action.jms.JmsActions}),
 * message signing ({@link dev.echo.cdi.action.jms.MessageSigner}), and what every server knows of
 * every run ({@link dev.echo.cdi.action.jms.RunBoard} of {@link dev.echo.cdi.action.jms.RunStatus}).
 *
 * <p><b>Internal.</b> Nothing here is application API: public only so that
 * {@code dev.echo.cdi.action} can use it. Its classes that name {@code jakarta.jms} types are
 * loaded only once Jakarta Messaging is known to be present. <b>Depends on:</b>
 * {@code dev.echo.action}, {@code dev.echo.cdi.action} (the run book, the JSON format, the run view),
 * {@code dev.echo.cdi.config}. Read first: {@code JmsActions}.
 */
package dev.echo.cdi.action.jms;
