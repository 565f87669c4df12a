return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Suggest.SuggestCommand.Create(), args);
