### The GraphQL explorer (GraphiQL) served at GET /graphql to a browser.
## The GraphQL explorer (GraphiQL) at GET /graphql in a browser

# The browser tab's title of the explorer page.
graphiql-title = Sammen GraphQL explorer
# Shown while the explorer's scripts load.
graphiql-loading = Loading the GraphQL explorer…
# Shown when the browser runs no JavaScript.
graphiql-noscript = The GraphQL explorer needs JavaScript. Queries can also be sent to /graphql with POST.
# First lines of the example query in the explorer (shown as comments).
graphiql-intro = Welcome to Sammen's GraphQL explorer: every query here runs against this server.
    The Docs pane lists every type and field; Ctrl+Space completes as you type.
# How to sign in, shown as comments above the example sign-in.
graphiql-sign-in = Sign in with the SignIn operation below, then put the token in the Headers tab
    as "Authorization": "Bearer " followed by the token. Partner systems use API tokens the same way.
