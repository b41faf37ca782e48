package dev.echo.cdi.action;

import dev.echo.cdi.action.jms.RunBoard;

/** Package-private parts of {@link EchoActions} for tests in other packages. */
public final class EchoActionsAccess {

    private EchoActionsAccess() {
    }

    public static void requireRoom(RunBoard board, RunBook.Owner owner, int maxLive, int maxLivePerCaller) {
        EchoActions.requireRoom(board, owner, maxLive, maxLivePerCaller);
    }
}
