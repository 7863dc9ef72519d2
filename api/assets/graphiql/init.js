// Starts GraphiQL on the page served at GET /graphql. Everything it needs is
// served by Sammen itself (see README.md in this folder): no other host is
// contacted, and the page's Content-Security-Policy allows only 'self'.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var data = root.dataset;
  var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
  var fetcher = GraphiQL.createFetcher({
    url: data.endpoint,
    subscriptionUrl: scheme + window.location.host + data.subscriptionEndpoint,
  });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: data.defaultQuery,
      defaultHeaders: data.defaultHeaders,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    })
  );
})();
