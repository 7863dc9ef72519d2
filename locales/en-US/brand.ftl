### Brand names. Terms are not translated; they are referenced from messages.

-brand-name = Sammen
-hub-name = Erfaringssentrum
