using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace Workflows.AspNetCore;

/// <summary>RFC 7807 problem documents of the API: a title, a status, a detail fit for any client (never a stack trace).</summary>
internal static class Problems
{
    public static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "The run cannot do that now");

    public static IResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid");

    public static IResult Invalid(IDictionary<string, string[]> errors, string workflow)
        => TypedResults.ValidationProblem(errors, $"The inputs of workflow '{workflow}' are not valid; nothing was started.", title: "Invalid inputs");

    public static IResult TooLarge(long max) => TypedResults.Problem($"The request body is larger than {max} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static IResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused");

    public static IResult UnsupportedMediaType(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static IResult ServerError() => TypedResults.Problem("The server could not complete the request; its log has the details.", statusCode: StatusCodes.Status500InternalServerError, title: "Server error");
}
