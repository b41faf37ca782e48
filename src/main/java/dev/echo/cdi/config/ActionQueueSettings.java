package dev.echo.cdi.config;

/**
 * Where accepted actions wait: {@code echo.actions.queue=memory} (the default: one JVM, lost on
 * restart) or {@code jms} (persistent messages on a Jakarta Messaging queue shared by every
 * server of the application; see {@code docs/actions-messaging.md}).
 *
 * @param jms                whether the queue is the JMS one
 * @param connectionFactory  JNDI name of the ConnectionFactory ({@value EchoConfig#DEFAULT_JMS_CONNECTION_FACTORY})
 * @param queue              JNDI name of the action queue ({@value EchoConfig#DEFAULT_JMS_QUEUE})
 * @param topic              JNDI name of the run-state topic ({@value EchoConfig#DEFAULT_JMS_TOPIC})
 * @param window             most messages this server holds unsettled at once
 * @param maxDeliveries      the queue's {@code maxRedeliveryCount} on the engine: the delivery at
 *                           which an action that cannot be run is reported FAILED before the engine
 *                           moves it to its exception destination
 * @param serverName         this server's name in run states and metrics
 */
public record ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                                  int maxDeliveries, String serverName) {
}
