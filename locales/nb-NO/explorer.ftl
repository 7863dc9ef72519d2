## GraphQL-utforskeren (GraphiQL)

graphiql-title = Sammen GraphQL-utforsker
graphiql-loading = Laster GraphQL-utforskeren…
graphiql-noscript = GraphQL-utforskeren trenger JavaScript. Spørringer kan også sendes til /graphql med POST.
graphiql-intro = Velkommen til Sammens GraphQL-utforsker: alle spørringer her kjøres mot denne tjeneren.
    Docs-panelet viser alle typer og felt; Ctrl+Mellomrom fullfører mens du skriver.
graphiql-sign-in = Logg inn med SignIn-operasjonen nedenfor, og legg så tokenet i Headers-fanen
    som "Authorization": "Bearer " fulgt av tokenet. Partnersystemer bruker API-tokener på samme måte.
