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
 * @param application        the name every message of this application carries and every
 *                           consumer selects on ({@value EchoConfig#ACTIONS_JMS_APPLICATION}), or
 *                           {@code null}: the container's application name ({@code java:app/AppName})
 * @param signing            the keys that sign and verify every message ({@link SigningKeys})
 * @param login              the user Echo's connections authenticate with ({@link MessagingLogin})
 * @param engineMaxDeliveries the engine queue's {@code maxRedeliveryCount} where this server hosts
 *                           the engine and its configuration says so
 *                           ({@value EchoConfig#ACTIONS_JMS_ENGINE_MAX_DELIVERIES}), else 0 (unknown)
 * @param bundle             most accepted actions one message carries ({@value EchoConfig#ACTIONS_JMS_BUNDLE}):
 *                           actions accepted at the same moment go together, one send, one receive
 *                           and one commit for all; 1: every action is a message of its own
 */
public record ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                                  int maxDeliveries, String serverName, String application, SigningKeys signing,
                                  MessagingLogin login, int engineMaxDeliveries, int bundle) {

    /** Settings with the default bundle ({@value EchoConfig#DEFAULT_JMS_BUNDLE}). */
    public ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                               int maxDeliveries, String serverName, String application, SigningKeys signing,
                               MessagingLogin login, int engineMaxDeliveries) {
        this(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, application, signing, login,
                engineMaxDeliveries, EchoConfig.DEFAULT_JMS_BUNDLE);
    }

    /** Settings that do not know the engine's redelivery limit. */
    public ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                               int maxDeliveries, String serverName, String application, SigningKeys signing,
                               MessagingLogin login) {
        this(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, application, signing, login, 0);
    }

    /** Settings without a messaging login. */
    public ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                               int maxDeliveries, String serverName, String application, SigningKeys signing) {
        this(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, application, signing, MessagingLogin.NONE);
    }

    /** Settings without keys and with the container's application name (a memory queue, or a test). */
    public ActionQueueSettings(boolean jms, String connectionFactory, String queue, String topic, int window,
                               int maxDeliveries, String serverName) {
        this(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, null, SigningKeys.NONE, MessagingLogin.NONE);
    }

    /** The same settings with {@code keys}. */
    public ActionQueueSettings withSigning(SigningKeys keys) {
        return new ActionQueueSettings(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, application, keys,
                login, engineMaxDeliveries, bundle);
    }

    /** The same settings for the application named {@code name}. */
    public ActionQueueSettings forApplication(String name) {
        return new ActionQueueSettings(jms, connectionFactory, queue, topic, window, maxDeliveries, serverName, name, signing,
                login, engineMaxDeliveries, bundle);
    }
}
