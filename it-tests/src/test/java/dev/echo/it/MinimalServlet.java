package dev.echo.it;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The whole application MinimalServerIT deploys on a server with only cdi, concurrent and
 * servlet: one task on the injected executor, answering which executor ran it and where.
 */
@WebServlet("/echo")
public class MinimalServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient ManagedExecutorService executor;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String ran;
        try {
            ran = executor.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            response.sendError(500, e.toString());
            return;
        }
        response.setContentType("text/plain");
        response.getWriter().print(executor.getClass().getName() + "|" + ran);
    }
}
